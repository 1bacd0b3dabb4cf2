"""Portal pages, one router per area; all use PortalRoute (HTML errors) and stay out of the OpenAPI contract."""
