"""Indexes for the project lists' orderings, chosen from EXPLAIN at 100,000 projects (bench/out/api_explain_*).

Without them the list API's default page (newest first) sorted the whole table on every request: a top-N
sort over every project joined to its investor, industry and units (over 500 ms at 100k); with them it reads
50 rows of an index.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_stagetally"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["created_at", "id"], name="project_created_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["name"], name="project_name_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["total_investment"], name="project_investment_idx"),
        ),
    ]
