-- 1.shop.orders[recent].aggregation[0]
SELECT 
  COUNT(*),
  SUM(amount) 
FROM mart.orders
WHERE ordered_at > '2024-01-01';

-- 2.shop.customers.aggregation[0]
SELECT 
  COUNT(*),
  COUNT(CASE WHEN phone IS NULL OR phone IN ('N/A','-') THEN 1 END),
  COUNT(CASE WHEN NOT (email IS NULL) AND NOT (email RLIKE '^[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\\-_%+]+@[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\\-_%]+\\.[A-Za-z]{2,4}$') THEN 1 END),
  COUNT(CASE WHEN NOT (size IS NULL) AND NOT (size IN ('S','M','O''Brien')) THEN 1 END),
  COUNT(CASE WHEN NOT (score IS NULL) AND NOT (score RLIKE '^[[:blank:]]*[-+]?[[:blank:]]*[[:digit:]]*[\\.,]*[[:digit:]]*[[:blank:]]*$') THEN 1 END),
  AVG(score),
  STDDEV_SAMP(score),
  (SELECT soda_v FROM (SELECT soda_v, ROW_NUMBER() OVER (ORDER BY soda_v) AS soda_rn, COUNT(*) OVER () AS soda_n FROM (SELECT score AS soda_v FROM mart.customers) soda_a WHERE soda_v IS NOT NULL) soda_b WHERE soda_rn >= 0.95 * soda_n ORDER BY soda_rn LIMIT 1),
  MAX(CHAR_LENGTH(name)),
  COUNT(CASE WHEN (country = 'BE') AND (NOT (zip IS NULL) AND (zip RLIKE '^[0-9]{4}$')) THEN 1 END) 
FROM mart.customers;

-- 3.shop.customers.duplicate_count
WITH frequencies AS (
    SELECT SQL_BIG_RESULT COUNT(*) AS frequency
    FROM mart.customers
    WHERE country IS NOT NULL 
  AND zip IS NOT NULL
    GROUP BY country, zip)
SELECT COUNT(*)
FROM frequencies
WHERE frequency > 1;

-- 4.shop.customers.email.duplicate_count
WITH frequencies AS (
    SELECT SQL_BIG_RESULT COUNT(*) AS frequency
    FROM mart.customers
    WHERE email IS NOT NULL
    GROUP BY email)
SELECT COUNT(*)
FROM frequencies
WHERE frequency > 1;

-- 5.shop.user_defined_query[late_ratio < 0.1]
SELECT AVG(CASE WHEN late THEN 1 ELSE 0 END) FROM orders;

-- 6.shop.customers.schema[customers]
SELECT column_name ,  CAST(data_type AS CHAR) , is_nullable 
FROM information_schema.columns 
WHERE (table_name) = 'customers' 
  AND (table_schema) = 'mart'
ORDER BY ORDINAL_POSITION;

-- 7.shop.customers.reference[country]
SELECT COUNT(*)
    FROM mart.customers SOURCE
    LEFT JOIN mart.countries TARGET on SOURCE.country = TARGET.code
WHERE (SOURCE.country IS NOT NULL AND TARGET.code IS NULL);

-- sample of metric-scan-shop-customers-duplicate_count-03c81f03
WITH frequencies AS (
    SELECT country, zip
    FROM mart.customers
    WHERE country IS NOT NULL 
  AND zip IS NOT NULL
    GROUP BY country, zip
    HAVING COUNT(*) > 1)
SELECT main.*
FROM mart.customers main
JOIN frequencies ON main.country = frequencies.country AND main.zip = frequencies.zip
LIMIT 100;

-- sample of metric-scan-shop-customers-phone-missing_count-f184d523
SELECT * FROM mart.customers 
 WHERE (phone IS NULL OR phone IN ('N/A','-')) 
 LIMIT 100;

-- sample of metric-scan-shop-customers-email-invalid_count-61813b33
SELECT * FROM mart.customers 
 WHERE (NOT (email IS NULL) AND NOT (email RLIKE '^[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\\-_%+]+@[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\\-_%]+\\.[A-Za-z]{2,4}$')) 
 LIMIT 100;

-- sample of metric-scan-shop-customers-email-duplicate_count-61813b33
WITH frequencies AS (
    SELECT email
    FROM mart.customers
    WHERE email IS NOT NULL
    GROUP BY email
    HAVING COUNT(*) > 1)
SELECT main.*
FROM mart.customers main
JOIN frequencies ON main.email = frequencies.email
LIMIT 100;

-- sample of metric-scan-shop-customers-size-invalid_count-9526ef1d
SELECT * FROM mart.customers 
 WHERE (NOT (size IS NULL) AND NOT (size IN ('S','M','O''Brien'))) 
 LIMIT 100;

-- sample of metric-scan-shop-customers-score-invalid_count-89ca9598
SELECT * FROM mart.customers 
 WHERE (NOT (score IS NULL) AND NOT (score RLIKE '^[[:blank:]]*[-+]?[[:blank:]]*[[:digit:]]*[\\.,]*[[:digit:]]*[[:blank:]]*$')) 
 LIMIT 100;

-- for each dataset
SELECT table_name FROM (SELECT table_name AS name, table_name, table_schema FROM information_schema.tables) t 
WHERE ((name LIKE 'dim_%') AND NOT name LIKE 'dim_tmp%')
  AND table_schema = 'mart';
