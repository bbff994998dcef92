import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
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


def normalize_phone(phone):
    """A phone number as stored: without spaces, hyphens or the +86 prefix, so one number is one value."""
    compact = re.sub(r"[\s\-()]", "", phone or "")
    return compact[3:] if compact.startswith("+86") else compact


class User(AbstractUser):
    """A person; belongs to exactly one unit, holds roles as Django groups.

    One person, one account: user names are unique whatever their case, and so is the mobile phone number
    when it is given (in China a mobile number is registered to one named person)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="users", null=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Set by set_password, whichever door changes the password; older than PASSWORD_MAX_AGE_DAYS must change.
    password_changed_at = models.DateTimeField(_("password last changed"), default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=~models.Q(phone=""),
                name="user_phone_unique",
                violation_error_message=_("Another account already has this phone number: one person, one account."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        self.phone = normalize_phone(self.phone)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def password_expires_at(self):
        return self.password_changed_at + timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)

    def password_expired(self, now=None):
        return self.has_usable_password() and (now or timezone.now()) >= self.password_expires_at

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


class PasswordHistory(models.Model):
    """The hashes of a user's previous passwords, so a change cannot go back to a recent one."""

    KEEP = 5

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password"), max_length=128)
    created_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")

    def __str__(self):
        return f"{self.user} @ {self.created_at:%Y-%m-%d}"


class SecondFactor(models.Model):
    """An administrator's TOTP key (RFC 6238, see accounts.totp).

    The key is stored as is in the database (a hardware security module is out of reach here); it has no
    history table, is shown only once at enrolment, and is neither in the admin nor in the audit trail."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="second_factor")
    secret = models.CharField(_("secret"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    # The time step of the last code accepted: a code (or an older one) is never accepted twice.
    last_used_step = models.BigIntegerField(_("last step used"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("consecutive wrong codes"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")

    def __str__(self):
        return str(self.user)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or timezone.now())
