-- A sandbox may have a maximum runtime of its own, shorter than its plan's; 0 is none (the plan's applies), as for
-- every sandbox made before. Set on create or by PATCH. Portable like V1.

ALTER TABLE sandboxes ADD COLUMN max_runtime_seconds BIGINT NOT NULL DEFAULT 0;
