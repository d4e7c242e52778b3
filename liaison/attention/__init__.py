"""What waits on a member: the read model behind the dashboard's "Needs you" panel, the
navigation's count and ``GET /api/offices/{slug}/needs``. It reads the domain apps; they
never import it."""
