"""Import WordPress (WXR), Disqus and JF2 responses into the responses store."""
