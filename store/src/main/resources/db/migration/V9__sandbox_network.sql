-- A sandbox's network, chosen at create: 'default' (its own, with the default egress policy) or 'none' (loopback
-- only). Every sandbox made before had loopback only. Portable like V1.

ALTER TABLE sandboxes ADD COLUMN network VARCHAR(16) NOT NULL DEFAULT 'none';
