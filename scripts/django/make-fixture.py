"""Writes packages/drizzle/test/fixtures/django.sqlite3: the database of a real Django project
with Django REST framework's authtoken app, as `latchkey import-django` finds it in the wild.
Made with Debian's python3-django (3.2) and python3-djangorestframework (3.14):

    apt-get install -y python3-django python3-djangorestframework
    /usr/bin/python3 scripts/django/make-fixture.py

Passwords are hashed with the PBKDF2 iteration counts of the Django releases that made them
(3.2: 260,000; 4.2: 600,000; 5.2: 1,000,000); the hash format is the same in every release.
Token keys are DRF's own random ones: the tests read them from the file, as a client holds them.

With DJANGO_DATABASE_URL=postgres://user@host:port/db it fills that Postgres database instead
(make-fixture-postgres.sh does this and dumps it).
"""
import datetime, os, pathlib, urllib.parse

import django
from django.conf import settings

OUT = pathlib.Path(__file__).resolve().parents[2] / 'packages/drizzle/test/fixtures/django.sqlite3'
POSTGRES = urllib.parse.urlparse(os.environ.get('DJANGO_DATABASE_URL', ''))
if POSTGRES.scheme == 'postgres':
    DATABASE = {'ENGINE': 'django.db.backends.postgresql', 'NAME': POSTGRES.path[1:], 'USER': POSTGRES.username,
                'HOST': POSTGRES.hostname, 'PORT': POSTGRES.port}
else:
    if OUT.exists():
        OUT.unlink()
    DATABASE = {'ENGINE': 'django.db.backends.sqlite3', 'NAME': str(OUT)}
settings.configure(
    SECRET_KEY='fixture-only',
    USE_TZ=True,
    DATABASES={'default': DATABASE},
    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth', 'rest_framework', 'rest_framework.authtoken'],
)
django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token


def pbkdf2(iterations):
    return type(f'PBKDF2x{iterations}', (PBKDF2PasswordHasher,), {'iterations': iterations})()


call_command('migrate', verbosity=0)
created = datetime.datetime(2024, 3, 1, 12, 30, 15, 123456, tzinfo=datetime.timezone.utc)
users = [
    # username, password, iterations, staff, active, email, token?
    ('alice', 'alice password', 1_000_000, False, True, 'alice@example.com', True),
    ('bob', 'bob password', 600_000, True, True, 'bob@example.com', True),
    ('carol', 'carol password', 260_000, False, False, '', True),
    ('dave', None, None, False, True, 'dave@example.com', False),
    # Django does not make emails unique; Latchkey does.
    ('erin', 'erin password', 600_000, False, True, 'alice@example.com', False),
]
for index, (username, password, iterations, staff, active, email, token) in enumerate(users):
    user = User(username=username, email=email, is_staff=staff, is_active=active)
    if password is None:
        user.set_unusable_password()
    else:
        user.password = make_password(password, hasher=pbkdf2(iterations))
    user.save()
    if token:
        Token.objects.create(user=user)
        Token.objects.filter(user=user).update(created=created + datetime.timedelta(days=index))
if DATABASE['ENGINE'].endswith('sqlite3'):
    with connection.cursor() as cursor:
        cursor.execute('VACUUM')
    print(f'wrote {OUT} ({OUT.stat().st_size} bytes): {User.objects.count()} users, {Token.objects.count()} tokens')
else:
    print(f'filled {POSTGRES.path[1:]}: {User.objects.count()} users, {Token.objects.count()} tokens')
