from rest_framework import serializers
from rest_framework.generics import ListAPIView

from accounts.scoping import require
from audit.models import AuditEntry
from audit.selectors import audit_entry_list
from core.api import CursorPagination


class AuditEntryListApi(ListAPIView):
    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = AuditEntry
            fields = [
                "id",
                "created_at",
                "kind",
                "action",
                "actor_id",
                "actor_username",
                "model_label",
                "object_id",
                "object_repr",
                "changes",
                "ip_address",
                "path",
                "status_code",
                "seq",
                "prev_hash",
                "hash",
            ]
            ref_name = "AuditEntry"

    serializer_class = OutputSerializer
    pagination_class = CursorPagination
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        require(self.request.user, "audit.view")
        params = self.request.query_params
        filters = {k: params.get(k) for k in ("user", "model", "object_id", "action", "date_from", "date_to")}
        return audit_entry_list(user=self.request.user, filters=filters)
