INSERT INTO tags (slug) VALUES ('postgres'), ('migrations'), ('backups') ON CONFLICT DO NOTHING;
