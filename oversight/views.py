from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.scoping import require


@login_required
def portal(request):
    require(request.user, "oversight.view")
    return render(request, "oversight/portal.html")
