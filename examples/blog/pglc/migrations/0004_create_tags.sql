-- Up
CREATE TABLE tags (
  id   int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$')
);

CREATE TABLE post_tags (
  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  tag_id  int    NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (post_id, tag_id)
);

CREATE INDEX post_tags_tag_id_idx ON post_tags (tag_id);

CREATE VIEW published_posts WITH (security_invoker = true) AS
  SELECT p.id, p.title, p.published_at, u.display_name AS author
  FROM posts p JOIN users u ON u.id = p.author_id
  WHERE p.status = 'published';

-- Down
DROP VIEW published_posts;
DROP TABLE post_tags;
DROP TABLE tags;
