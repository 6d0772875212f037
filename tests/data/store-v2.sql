-- A dalaba store at schema version 2, written by the dalabad of commit
-- 1640928 (two zones, two notices, a daily schedule, a loudspeaker) and
-- dumped with sqlite3 .dump, which leaves out user_version: set here.
-- tests/e2e/28_backup.sh migrates it.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE zones (  code TEXT PRIMARY KEY CHECK (length(code) IN (6, 9, 12)    AND code NOT GLOB '*[^0-9]*'),  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),  quiet_start TEXT NOT NULL DEFAULT '21:30',  quiet_end TEXT NOT NULL DEFAULT '06:00',  drills INTEGER NOT NULL DEFAULT 0 CHECK (drills IN (0, 1)),  created_at INTEGER NOT NULL);
INSERT INTO zones VALUES('110101001','城关镇','21:30','06:00',0,1796157004);
INSERT INTO zones VALUES('110101001001','东村','21:30','06:00',0,1796157004);
CREATE TABLE users (  id INTEGER PRIMARY KEY,  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),  role TEXT NOT NULL CHECK (role IN ('county', 'township', 'village')),  zone TEXT NOT NULL REFERENCES zones(code),  pw_hash TEXT NOT NULL,  created_at INTEGER NOT NULL);
CREATE TABLE speakers (  id INTEGER PRIMARY KEY CHECK (id > 0),  zone TEXT NOT NULL REFERENCES zones(code),  name TEXT NOT NULL,  key_hex TEXT CHECK (key_hex IS NULL OR length(key_hex) = 64),  created_at INTEGER NOT NULL);
INSERT INTO speakers VALUES(7,'110101001001','村口',NULL,1796157004);
CREATE TABLE notices (  id INTEGER PRIMARY KEY,  title TEXT CHECK (title IS NULL OR length(CAST(title AS BLOB)) <= 1024),  body TEXT NOT NULL CHECK (length(body) > 0    AND length(CAST(body AS BLOB)) <= 32768),  voice TEXT NOT NULL DEFAULT 'mandarin',  repeat INTEGER NOT NULL DEFAULT 1 CHECK (repeat BETWEEN 1 AND 10),  chime INTEGER NOT NULL DEFAULT 1 CHECK (chime IN (0, 1)),  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),  zone TEXT NOT NULL REFERENCES zones(code),  created_by INTEGER REFERENCES users(id),  created_at INTEGER NOT NULL,  cancelled_at INTEGER, rate INTEGER NOT NULL DEFAULT 150  CHECK (rate BETWEEN 80 AND 450), feed TEXT  CHECK (feed IS NULL OR length(CAST(feed AS BLOB)) BETWEEN 1 AND 1024), feed_items INTEGER NOT NULL DEFAULT 3  CHECK (feed_items BETWEEN 1 AND 20));
INSERT INTO notices VALUES(1,'停水通知','东村村民请注意，明天上午停水。','mandarin',1,1,0,'110101001001',NULL,1796157004,NULL,150,NULL,3);
INSERT INTO notices VALUES(2,'防火','全镇居民请注意防火。','mandarin',1,1,1,'110101001',NULL,1796157004,NULL,150,NULL,3);
CREATE TABLE schedules (  id INTEGER PRIMARY KEY,  notice_id INTEGER NOT NULL REFERENCES notices(id),  kind TEXT NOT NULL CHECK (kind IN ('once', 'daily', 'weekly')),  once_at INTEGER,  times TEXT,  weekdays INTEGER NOT NULL DEFAULT 127 CHECK (weekdays BETWEEN 1 AND 127),  every_weeks INTEGER NOT NULL DEFAULT 1 CHECK (every_weeks BETWEEN 1 AND 52),  date_from TEXT, date_to TEXT,  volume INTEGER CHECK (volume IS NULL OR volume BETWEEN 0 AND 100), created_at INTEGER NOT NULL DEFAULT 0, checked_until INTEGER NOT NULL DEFAULT 0, removed_at INTEGER,  CHECK (kind != 'once' OR once_at IS NOT NULL),  CHECK (kind = 'once' OR times IS NOT NULL));
INSERT INTO schedules VALUES(1,1,'daily',NULL,'07:30,18:00',127,1,NULL,NULL,NULL,1796157004,1796157003,NULL);
CREATE TABLE broadcasts (  id INTEGER PRIMARY KEY,  notice_id INTEGER NOT NULL REFERENCES notices(id),  slot_at INTEGER NOT NULL,  started_at INTEGER, ended_at INTEGER,  outcome TEXT CHECK (outcome IS NULL OR outcome IN    ('aired', 'interrupted', 'missed', 'cancelled')),  reason TEXT, schedule_id INTEGER  REFERENCES schedules(id), volume INTEGER, on_air_at INTEGER, interruptions INTEGER NOT NULL  DEFAULT 0,  UNIQUE (notice_id, slot_at));
CREATE TABLE broadcast_speakers (  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),  speaker_id INTEGER NOT NULL REFERENCES speakers(id),  confirmed INTEGER NOT NULL DEFAULT 0, confirmed_at INTEGER,  PRIMARY KEY (broadcast_id, speaker_id));
CREATE TABLE lexicon (  word TEXT PRIMARY KEY CHECK (length(word) BETWEEN 1 AND 32),  pinyin TEXT NOT NULL,  updated_at INTEGER NOT NULL);
CREATE TABLE audit (  id INTEGER PRIMARY KEY,  at INTEGER NOT NULL,  user_id INTEGER,  source TEXT,  action TEXT NOT NULL,  detail TEXT);
INSERT INTO audit VALUES(1,1796157004,NULL,'api:127.0.0.1','zone.add','110101001 城关镇');
INSERT INTO audit VALUES(2,1796157004,NULL,'api:127.0.0.1','zone.add','110101001001 东村');
INSERT INTO audit VALUES(3,1796157004,NULL,'api:127.0.0.1','notice.add','notice 1 to 110101001001 (village): 东村村民请注意，明天上午停水。');
INSERT INTO audit VALUES(4,1796157004,NULL,'api:127.0.0.1','schedule.add','schedule 1 for notice 1');
INSERT INTO audit VALUES(5,1796157004,NULL,'api:127.0.0.1','notice.add','notice 2 to 110101001 (township): 全镇居民请注意防火。');
INSERT INTO audit VALUES(6,1796157004,NULL,'api:127.0.0.1','speaker.add','speaker 7 in 110101001001');
INSERT INTO audit VALUES(7,1796157004,NULL,'api:127.0.0.1','speaker.token','speaker 7');
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE INDEX notices_zone ON notices(zone);
CREATE INDEX schedules_notice ON schedules(notice_id);
CREATE INDEX broadcasts_open ON broadcasts(id) WHERE outcome IS NULL;
PRAGMA user_version = 2;
COMMIT;
