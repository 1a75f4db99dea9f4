-- A sandbox's network, chosen at create: 'none' (loopback only), 'default' (its own, with the default egress
-- policy) or its own egress policy as one line ('allow;<cidr>,...;<cidr>,...', see EgressPolicy). Every sandbox
-- made before had loopback only. Portable like V1.

ALTER TABLE sandboxes ADD COLUMN network TEXT NOT NULL DEFAULT 'none';
