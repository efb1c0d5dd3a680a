-- Reports and exports filter by phone number (--phone).
CREATE INDEX calls_phone ON calls (phone_number, queued_timestamp);
