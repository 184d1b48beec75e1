"""Headers every file response carries, whoever made the file.

A stored file must never become a page of this site: the browser may not guess another type
than the one we send (``nosniff``), and whatever it renders runs in a sandbox with an opaque
origin and may load nothing (``FILE_CSP``), so a script smuggled into a file cannot act in
the session of the officer who opens it. ``style-src 'unsafe-inline'`` only lets the
browser's own viewer page around a PDF or an image lay itself out.
"""

FILE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


def protect_file_response(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response
