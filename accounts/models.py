from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Unit(models.Model):
    """An organisation that uses the system: the centre, a bureau, a town, a platform …"""

    class Kind(models.TextChoices):
        CENTRE = "centre", _("Investment promotion centre")
        BUREAU = "bureau", _("Bureau")
        TOWN = "town", _("Town or subdistrict")
        PLATFORM = "platform", _("Industrial platform")
        COMPANY = "company", _("Municipal company")
        LEADERSHIP = "leadership", _("City leadership")
        NPC = "npc", _("People's Congress")

    class Bureau(models.TextChoices):
        DEVELOPMENT = "fagai", _("Development and Reform Bureau")
        ECONOMY = "jingxin", _("Economy and Information Technology Bureau")
        NATURAL_RESOURCES = "zigui", _("Natural Resources and Planning Bureau")
        FINANCE = "caizheng", _("Finance Bureau")
        TAX = "shuiwu", _("Tax Bureau")
        STATISTICS = "tongji", _("Statistics Bureau")
        ECOLOGY = "shengtai", _("Ecology and Environment Bureau")
        MARKET = "shichang", _("Market Regulation Bureau")
        BIG_DATA = "dashuju", _("Big Data Centre")

    LANDING_KINDS = (Kind.TOWN, Kind.PLATFORM, Kind.COMPANY)

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    bureau = models.CharField(_("bureau"), max_length=20, choices=Bureau.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="bureau") & ~models.Q(bureau=""))
                | (~models.Q(kind="bureau") & models.Q(bureau="")),
                name="unit_bureau_iff_kind_bureau",
                violation_error_message=_("A bureau must say which bureau it is; other units must not."),
            ),
            models.UniqueConstraint(fields=["bureau"], condition=~models.Q(bureau=""), name="unit_one_per_bureau"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_landing_unit(self):
        return self.kind in self.LANDING_KINDS


class User(AbstractUser):
    """A person; belongs to exactly one unit, holds roles as Django groups."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="users", null=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords(excluded_fields=["last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @cached_property
    def role_names(self):
        """The user's roles; one query, kept for the rest of the request."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))


class PasswordPolicy(models.Model):
    """The password policy the security administrator keeps. There is one row."""

    min_length = models.PositiveSmallIntegerField(
        _("minimum length"), default=10, validators=[MinValueValidator(10), MaxValueValidator(64)]
    )
    min_classes = models.PositiveSmallIntegerField(
        _("character classes required"),
        default=3,
        help_text=_("Of: lower-case letters, upper-case letters, digits, symbols."),
        validators=[MinValueValidator(2), MaxValueValidator(4)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("password policy")
        verbose_name_plural = _("password policy")

    def __str__(self):
        return str(_("Password policy"))

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()
