-- A paused sandbox may be hibernated: its processes stopped to free memory, its disk kept. Portable like V1.

ALTER TABLE sandboxes ADD COLUMN hibernated BOOLEAN NOT NULL DEFAULT FALSE;
