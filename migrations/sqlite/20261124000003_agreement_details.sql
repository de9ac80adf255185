-- What the Agreements screen shows and lets Account Managers edit.
-- Dates are UTC seconds; an agreement registered before this migration
-- starts when it was registered and runs three years, as an MPSA does.

ALTER TABLE agreements ADD COLUMN start_date INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agreements ADD COLUMN end_date INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agreements ADD COLUMN purchase_order TEXT NOT NULL DEFAULT '';
ALTER TABLE agreements ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE agreements ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
UPDATE agreements SET start_date = created_at, end_date = created_at + 3 * 365 * 86400
    WHERE start_date = 0;
