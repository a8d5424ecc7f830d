"""Running the business: the staff dashboard, the admin's login guard and the /metrics endpoint."""
