from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="space",
            index=models.Index(fields=["name"], name="space_name_idx"),
        ),
    ]
