"""Messages to residents about their dossiers: what to say per event, and how it is sent."""
