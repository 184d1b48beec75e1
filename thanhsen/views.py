from django.shortcuts import redirect

from thanhsen.navigation import landing_url


def home(request):
    """``/`` sends each user to their own work: the queue, the dashboard or their dossiers."""
    return redirect(landing_url(request.user))
