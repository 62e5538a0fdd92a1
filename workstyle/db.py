"""Database pieces shared by the apps' migrations."""

from __future__ import annotations

from typing import Any

from django.db import migrations

_FUNCTION = """
CREATE OR REPLACE FUNCTION workstyle_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are immutable: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


class MakeImmutable(migrations.operations.base.Operation):
    """On PostgreSQL, refuse UPDATE and DELETE on an event table with a trigger: a timeline is
    written once and never rewritten, whoever holds the connection. Other databases are left alone."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.model_name], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _table(self, app_label: str, state: Any) -> str:
        return str(state.apps.get_model(app_label, self.model_name)._meta.db_table)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, to_state)
        schema_editor.execute(_FUNCTION, params=None)
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_immutable" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION workstyle_refuse_change();"
        )

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, from_state)
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_immutable" ON "{table}";')

    def describe(self) -> str:
        return f"Refuse UPDATE and DELETE on {self.model_name}"
