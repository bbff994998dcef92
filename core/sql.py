"""Set-based writes the ORM does not offer: ``INSERT ... SELECT`` built from a queryset, with ``ON CONFLICT``.

The SELECT is an ordinary queryset (filters, joins, aggregates, Case/When), so the rules stay in Python
and the database does the work in one statement, however many rows. Works on PostgreSQL (production)
and SQLite (the embedded demo).
"""

from django.db import connections
from django.db.models import F, Value
from django.utils import timezone


def insert_select(model, columns, queryset, *, conflict=(), update=()):
    """Insert into ``model``'s table the rows of ``queryset``; returns how many were inserted or updated.

    ``columns`` maps each target field name to an expression (or a field path) of ``queryset``'s model.
    ``conflict`` names the unique fields: a conflicting row is skipped, or, for the fields named in
    ``update``, updated from the new row (``ON CONFLICT ... DO UPDATE``).
    """
    aliases = {f"c{i}": F(e) if isinstance(e, str) else e for i, e in enumerate(columns.values())}
    select = queryset.annotate(**aliases).values(*aliases)
    inner, params = select.query.get_compiler(using=queryset.db).as_sql()
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    targets = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    picked = ", ".join(f"s.{quote(alias)}" for alias in aliases)
    # "WHERE true": SQLite would otherwise read ON CONFLICT as part of a join.
    # Identifiers come from the models and are quoted; values are parameters of the compiled queryset.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({targets}) SELECT {picked} FROM ({inner}) s WHERE true"  # noqa: S608  # nosec B608
    if conflict:
        keys = ", ".join(quote(model._meta.get_field(name).column) for name in conflict)
        if update:
            sets = ", ".join(
                f"{quote(model._meta.get_field(name).column)} = EXCLUDED.{quote(model._meta.get_field(name).column)}"
                for name in update
            )
            sql += f" ON CONFLICT ({keys}) DO UPDATE SET {sets}"  # nosec B608  # quoted model columns
        else:
            sql += f" ON CONFLICT ({keys}) DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def history_insert(queryset, *, change_reason="", history_type="+"):
    """Write a django-simple-history row ("+" created, "~" changed) for every row of ``queryset``, in one
    statement."""
    model = queryset.model
    historical = model.history.model
    tracked = {f.column for f in model._meta.concrete_fields}
    columns = {f.name: F(f.attname) for f in historical._meta.concrete_fields if f.column in tracked}
    columns |= {
        "history_date": Value(timezone.now()),
        "history_change_reason": Value(change_reason),
        "history_type": Value(history_type),
    }
    return insert_select(historical, columns, queryset.order_by())
