-- Up
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE users (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email       citext NOT NULL UNIQUE,
  display_name text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE users IS 'People who write posts and comments';

-- Down
DROP TABLE users;
DROP EXTENSION IF EXISTS citext;
