"""What talks to people and programs: the command line, its terminal rendering and bidi display, and the HTTP
service with its search page.  The only code that prints, names options, and picks exit codes and statuses."""
