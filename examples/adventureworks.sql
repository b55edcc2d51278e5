-- A small slice of an "Adventure Works"-style shop, used by the README example.
-- Regenerate adventureworks.db with:  python3 -c "import sqlite3; c=sqlite3.connect('adventureworks.db'); c.executescript(open('adventureworks.sql').read())"
DROP TABLE IF EXISTS customers;
DROP TABLE IF EXISTS orders;

CREATE TABLE customers (
  customer_id   INTEGER PRIMARY KEY,
  first_name    TEXT NOT NULL,
  last_name     TEXT NOT NULL,
  email         TEXT,
  phone         TEXT,
  country_code  TEXT,
  created_at    TEXT
);

INSERT INTO customers VALUES
  (1,  'Jon',      'Yang',      'jon24@adventure-works.com',      '245-555-0173', 'AU', '2021-01-04 10:12:00'),
  (2,  'Eugene',   'Huang',     'eugene10@adventure-works.com',   '368-555-0119', 'AU', '2021-01-07 08:30:00'),
  (3,  'Ruben',    'Torres',    'ruben35@adventure-works.com',    '818-555-0171', 'US', '2021-01-09 14:01:00'),
  (4,  'Christy',  'Zhu',       'christy12@adventure-works.com',  '1 (11) 500 555-0162', 'US', '2021-02-01 09:00:00'),
  (5,  'Elizabeth','Johnson',   'elizabeth5@adventure-works.com', '1 (11) 500 555-0131', 'CA', '2021-02-11 16:45:00'),
  (6,  'Julio',    'Ruiz',      'julio1@adventure-works.com',     '1 (11) 500 555-0151', 'ES', '2021-02-15 11:20:00'),
  (7,  'Janet',    'Alvarez',   'janet9@adventure-works.com',     '1 (11) 500 555-0184', 'ES', '2021-03-02 13:13:00'),
  (8,  'Marco',    'Mehta',     'marco14@adventure-works.com',    '637-555-0128', 'DE', '2021-03-14 07:55:00'),
  (9,  'Rob',      'Verhoff',   'rob4@adventure-works.com',       '114-555-0136', 'DE', '2021-03-20 19:02:00'),
  (10, 'Shannon',  'Carlson',   'shannon38@adventure-works.com',  '220-555-0111', 'FR', '2021-04-01 12:00:00'),
  (11, 'Jacquelyn','Suarez',    'jacquelyn20@adventure-works.com','170-555-0128', 'FR', '2021-04-10 10:10:00'),
  (12, 'Curtis',   'Lu',        'curtis9@adventure-works.com',    '1 (11) 500 555-0119', 'GB', '2021-04-20 09:45:00'),
  (13, 'Lauren',   'Walker',    'lauren41@adventure-works.com',   '717-555-0164', 'GB', '2021-04-25 17:30:00'),
  (14, 'Ian',      'O''Brien',  'ian47@adventure-works.com',      '817-555-0174', 'US', '2021-04-26 08:05:00'),
  (15, 'Sydney',   'Bennett',   NULL,                             '431-555-0156', 'US', '2021-04-27 21:40:00');

CREATE TABLE orders (
  order_id      INTEGER PRIMARY KEY,
  customer_id   INTEGER NOT NULL,
  order_date    TEXT NOT NULL,
  status        TEXT NOT NULL,
  quantity      INTEGER NOT NULL,
  unit_price    REAL NOT NULL,
  discount      REAL NOT NULL,
  ship_country  TEXT
);

-- 500 orders, deterministic: spread over Jan-Apr 2021 and the 15 customers.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO orders
SELECT i,
       1 + (i * 7) % 15,
       date('2021-01-01', '+' || ((i * 13) % 117) || ' days'),
       CASE i % 20 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'returned' WHEN 2 THEN 'pending' ELSE 'shipped' END,
       1 + (i * 3) % 5,
       round(4.99 + ((i * 37) % 2000) / 10.0, 2),
       CASE WHEN i % 10 = 0 THEN 0.1 ELSE 0.0 END,
       CASE WHEN i % 97 = 0 THEN NULL ELSE substr('AUUSCAESDEFRGB', 1 + 2 * (i % 7), 2) END
FROM n;
