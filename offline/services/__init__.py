"""Every write of the offline app: devices (register, order a wipe) and applying the writes a
device queued (sync), each through the casework services."""
