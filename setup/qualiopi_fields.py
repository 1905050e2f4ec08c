# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Field names that change between versions of the addons, looked up in the
database at hand: the benchmark writes, and the upgrade test reads, the
analysis and evidence fields of ``helpdesk.ticket`` whichever way they are
named (``is_founded`` before the ``qualiopi_`` prefix, ``qualiopi_founded``
after; ``root_cause`` then ``qualiopi_root_cause``; ``hazard_measure`` then
``qualiopi_hazard_measure``...)."""

# Renamed otherwise than by the prefix (qualiopi_reclamation 1.2.0).
IRREGULAR = {"corrective_action_note": "qualiopi_corrective_note"}


def field_name(model, name):
    """The name that field ``name`` (its old name) has on ``model`` here."""
    candidates = (name, IRREGULAR.get(name), f"qualiopi_{name.removeprefix('is_')}")
    for candidate in filter(None, candidates):
        if candidate in model._fields:
            return candidate
    raise KeyError(f"{model._name} has no field {name} under any of its names")


def has_field(model, name):
    try:
        field_name(model, name)
    except KeyError:
        return False
    return True


def renamed(model, values):
    """``values`` (old names) with the names of the fields of ``model`` here."""
    return {field_name(model, name): value for name, value in values.items()}
