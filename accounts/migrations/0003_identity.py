import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Identity (issue 10): when each password was set, previous passwords, the administrators' second factor.

    The date is added empty here, filled by 0004 and made required by 0005: on PostgreSQL, rows updated
    and the table altered in one transaction would fail on the pending foreign-key triggers."""

    dependencies = [
        ("accounts", "0002_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="password last changed"),
        ),
        migrations.AddField(
            model_name="historicaluser",
            name="password_changed_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="password last changed"),
        ),
        migrations.CreateModel(
            name="PasswordHistory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("password", models.CharField(max_length=128, verbose_name="password")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="replaced at")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="password_history",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "previous password",
                "verbose_name_plural": "previous passwords",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="SecondFactor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("secret", models.CharField(max_length=64, verbose_name="secret")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="enrolled")),
                ("last_used_step", models.BigIntegerField(blank=True, null=True, verbose_name="last step used")),
                ("failures", models.PositiveSmallIntegerField(default=0, verbose_name="consecutive wrong codes")),
                ("locked_until", models.DateTimeField(blank=True, null=True, verbose_name="locked until")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="second_factor",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "second factor", "verbose_name_plural": "second factors"},
        ),
    ]
