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
  COUNT(CASE WHEN NOT (email IS NULL) AND NOT (CAST(email AS TEXT) ~ '^[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\-_%+]+@[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\-_%]+\.[A-Za-z]{2,4}$') THEN 1 END),
  COUNT(CASE WHEN NOT (size IS NULL) AND NOT (size IN ('S','M','O''Brien')) THEN 1 END),
  COUNT(CASE WHEN NOT (score IS NULL) AND NOT (CAST(score AS TEXT) ~ '^ *[-+]? *(\d+([\.,]\d+)?|([\.,]\d+)) *$') THEN 1 END),
  AVG(score),
  STDDEV(score),
  PERCENTILE_DISC(0.95) WITHIN GROUP (ORDER BY score),
  MAX(LENGTH(name)),
  COUNT(CASE WHEN (country = 'BE') AND (NOT (zip IS NULL) AND (CAST(zip AS TEXT) ~ '^[0-9]{4}$')) THEN 1 END) 
FROM mart.customers;

-- 3.shop.customers.duplicate_count
WITH frequencies AS (
    SELECT COUNT(*) AS frequency
    FROM mart.customers
    WHERE country IS NOT NULL 
  AND zip IS NOT NULL
    GROUP BY country, zip)
SELECT COUNT(*)
FROM frequencies
WHERE frequency > 1;

-- 4.shop.customers.email.duplicate_count
WITH frequencies AS (
    SELECT COUNT(*) AS frequency
    FROM mart.customers
    WHERE email IS NOT NULL
    GROUP BY email)
SELECT COUNT(*)
FROM frequencies
WHERE frequency > 1;

-- 5.shop.user_defined_query[late_ratio < 0.1]
SELECT AVG(CASE WHEN late THEN 1 ELSE 0 END) FROM orders;

-- 6.shop.customers.schema[customers]
SELECT a.attname::text AS column_name, 
  CASE WHEN t.typtype = 'd' THEN CASE WHEN bt.typelem <> 0 AND bt.typlen = -1 THEN 'ARRAY' WHEN bt.typnamespace = 'pg_catalog'::regnamespace THEN format_type(t.typbasetype, NULL) ELSE 'USER-DEFINED' END WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY' WHEN t.typnamespace = 'pg_catalog'::regnamespace THEN format_type(a.atttypid, NULL) ELSE 'USER-DEFINED' END AS data_type, 
  CASE WHEN a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) THEN 'NO' ELSE 'YES' END AS is_nullable 
FROM pg_attribute a 
JOIN pg_class c ON c.oid = a.attrelid 
JOIN pg_namespace n ON n.oid = c.relnamespace 
JOIN pg_type t ON t.oid = a.atttypid 
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype 
WHERE lower(c.relname) = 'customers' 
  AND c.relkind IN ('r', 'v', 'f', 'p') AND a.attnum > 0 AND NOT a.attisdropped 
  AND lower(current_database()) = 'shop' 
  AND lower(n.nspname) = 'mart'
ORDER BY a.attnum;

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
 WHERE (NOT (email IS NULL) AND NOT (CAST(email AS TEXT) ~ '^[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\-_%+]+@[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\-_%]+\.[A-Za-z]{2,4}$')) 
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
 WHERE (NOT (score IS NULL) AND NOT (CAST(score AS TEXT) ~ '^ *[-+]? *(\d+([\.,]\d+)?|([\.,]\d+)) *$')) 
 LIMIT 100;

-- for each dataset
SELECT table_name FROM (SELECT table_name AS name, table_name, table_schema FROM information_schema.tables) t 
WHERE ((name LIKE 'dim_%') AND NOT name LIKE 'dim_tmp%')
  AND lower(table_schema) = lower('mart');
