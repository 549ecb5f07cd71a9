"""A read the ORM builds once and the database runs many times.

Django compiles a queryset to SQL anew on every evaluation. For a query with several
``Exists`` sub-queries on a hot path (a peer-room message checks its author's standing
on every send) that compilation costs more CPU than the database's answer: measured
in-process on PostgreSQL, three quarters of the check's time. ``CompiledQuery`` keeps
the ORM as the only author of the SQL (model and table names come from the models, so
the statement follows every migration) and compiles it once per database connection
alias; each run substitutes the values that change (an account's id, a room's id).

The values that change are passed to the builder as *markers*: integers that cannot be
real ids. The compiled parameters are searched for them, so a marker may appear any
number of times; building refuses a query in which a marker disappears (folded into
the SQL text, where it could not be replaced).
"""

import threading

from django.db import connections, router

# Negative: never a primary key, never a value a model would hold by chance; and inside
# a 32-bit integer column's range, which Django checks when it compiles a lookup (a
# value outside it makes the lookup match nothing, and the marker would vanish).
_MARKER_BASE = -(2**31) + 1000


class CompiledQuery:
    """``build(**markers)`` returns a ``values_list`` queryset; ``fetchone(**values)``
    runs it with the real values and returns the first row as the database driver gives
    it (no field converters: SQLite answers booleans as 0 and 1, so wrap them in
    ``bool()``), or ``None``."""

    def __init__(self, build, *names):
        if not names:
            raise ValueError("CompiledQuery needs at least one value that changes")
        self._build = build
        self._names = names
        self._compiled = {}
        self._model = None
        self._lock = threading.Lock()

    def _compile(self, alias):
        markers = {name: _MARKER_BASE - n for n, name in enumerate(self._names)}
        queryset = self._build(**markers)
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
        slots = []
        for name, marker in markers.items():
            where = [i for i, value in enumerate(params) if value == marker]
            if not where:
                raise ValueError(f"{name!r} is not a parameter of the compiled query")
            slots.extend((i, name) for i in where)
        return sql, tuple(params), tuple(slots)

    def compiled(self, alias):
        found = self._compiled.get(alias)
        if found is None:
            with self._lock:
                found = self._compiled.get(alias)
                if found is None:
                    found = self._compiled[alias] = self._compile(alias)
        return found

    def fetchone(self, **values):
        if set(values) != set(self._names):
            raise TypeError(f"expected values for {sorted(self._names)}")
        if self._model is None:
            self._model = self._build(**dict.fromkeys(self._names, _MARKER_BASE)).model
        alias = router.db_for_read(self._model)
        sql, params, slots = self.compiled(alias)
        params = list(params)
        for index, name in slots:
            params[index] = values[name]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
