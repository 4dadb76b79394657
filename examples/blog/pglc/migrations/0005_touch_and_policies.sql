-- Up
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TRIGGER posts_touch_updated_at
  BEFORE UPDATE ON posts
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

ALTER TABLE posts ENABLE ROW LEVEL SECURITY;

-- Readers see published posts; the application sets app.user_id for authors.
CREATE POLICY posts_read ON posts FOR SELECT
  USING (status = 'published' OR author_id = nullif(current_setting('app.user_id', true), '')::bigint);

-- Down
DROP POLICY posts_read ON posts;
ALTER TABLE posts DISABLE ROW LEVEL SECURITY;
DROP TRIGGER posts_touch_updated_at ON posts;
DROP FUNCTION touch_updated_at();
