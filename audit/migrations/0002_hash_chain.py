"""The hash chain's fields, reads' path and status, and the record of chain verifications."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainVerification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('checked_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='checked at')),
                ('ok', models.BooleanField(verbose_name='intact')),
                ('entries', models.BigIntegerField(default=0, verbose_name='entries checked')),
                ('pending', models.BigIntegerField(default=0, verbose_name='entries not yet sealed')),
                ('head_seq', models.BigIntegerField(blank=True, null=True, verbose_name='last sequence')),
                ('head_hash', models.CharField(blank=True, max_length=64, verbose_name='last hash')),
                ('problem', models.CharField(blank=True, choices=[('missing', 'Entries are missing before this one'), ('link', 'Its link to the entry before it does not match'), ('content', 'Its stored values do not match its hash'), ('checkpoint', 'It differs from the chain verified earlier'), ('truncated', 'Entries verified earlier are missing from the end')], max_length=20, verbose_name='problem')),
                ('entry_id', models.BigIntegerField(blank=True, null=True, verbose_name='entry id')),
                ('entry_seq', models.BigIntegerField(blank=True, null=True, verbose_name='entry sequence')),
                ('entry_created_at', models.DateTimeField(blank=True, null=True, verbose_name='entry time')),
                ('detail', models.TextField(blank=True, verbose_name='detail')),
            ],
            options={
                'verbose_name': 'chain verification',
                'verbose_name_plural': 'chain verifications',
                'ordering': ['-checked_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='path',
            field=models.CharField(blank=True, max_length=2000, verbose_name='path'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='previous hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True, verbose_name='sequence'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='status_code',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('create', 'Created'), ('update', 'Changed'), ('delete', 'Deleted'), ('login', 'Logged in'), ('login_failed', 'Failed login'), ('logout', 'Logged out'), ('unlock', 'Account unlocked'), ('token', 'API token issued'), ('read', 'Read'), ('export', 'Exported the audit trail')], db_index=True, max_length=20, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unsealed_idx'),
        ),
    ]
