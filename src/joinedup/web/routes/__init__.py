"""Page routes, one module per area; each opens its own unit of work and passes the Actor."""
