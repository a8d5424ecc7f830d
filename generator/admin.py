from django.contrib import admin

from generator.models import Style


@admin.register(Style)
class StyleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "local_structure", "premium_only", "is_active", "position")
    list_editable = ("premium_only", "is_active", "position")
    list_filter = ("premium_only", "is_active", "local_structure")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "position", "is_active", "premium_only")}),
        ("Generation", {"fields": ("llm_guidance", "local_structure")}),
    )
