from django.db import migrations


def fill_skeleton_keys(apps, schema_editor):
    """Existing names get the skeleton key. Two older names that now share a skeleton
    ("Hopeful Mom" and "Hopefu1 Mom") both stay: the later one's key carries its id, so
    the constraint holds and nobody is renamed; new look-alikes are refused."""
    from portal.display_names import name_skeleton

    Profile = apps.get_model("portal", "Profile")
    Profile.objects.update(display_name_key="")  # free every key before reassigning
    seen = set()
    for profile in Profile.objects.order_by("pk"):
        key = name_skeleton(profile.display_name) or f"~{profile.pk}"
        if key in seen:
            key = f"{key}~{profile.pk}"
        seen.add(key)
        profile.display_name_key = key
        profile.save(update_fields=["display_name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_profile_display_name_key"),
    ]

    operations = [migrations.RunPython(fill_skeleton_keys, migrations.RunPython.noop)]
