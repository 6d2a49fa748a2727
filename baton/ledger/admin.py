from django.contrib import admin

from .models import LedgerAlias


@admin.register(LedgerAlias)
class LedgerAliasAdmin(admin.ModelAdmin):
    """The districts' remembered ledger words: the system administrator corrects or
    removes one (an import adds them; each change is audited as any configuration)."""

    list_display = ["district", "column", "value", "target", "created_by", "created_at"]
    list_filter = ["district", "column"]
    search_fields = ["value", "target"]
    readonly_fields = ["created_by", "created_at"]
