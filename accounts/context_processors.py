from accounts.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "identity_pending", None):
        return {"nav_items": []}
    return {"nav_items": items_for(user, request.path)}
