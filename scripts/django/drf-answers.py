"""What a real DRF 3.14 app (Django 3.2, Debian's python3-django and python3-djangorestframework)
answers to the cases where Latchkey once differed: the expectations of
packages/core/src/endpoints/drf-parity.test.ts, the token and Basic scheme tests and the
Vary/Allow cases were read off this output. Run: /usr/bin/python3 scripts/django/drf-answers.py

The app: Token, Basic and Session authentication (in that order), IsAuthenticated, JSON only;
`/me/` (GET, POST) and DRF's `obtain_auth_token` at `/api-token-auth/`.
"""
import base64

import django
from django.conf import settings

settings.configure(
    SECRET_KEY='probe-only', ALLOWED_HOSTS=['*'], ROOT_URLCONF=__name__,
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth', 'django.contrib.sessions',
                    'rest_framework', 'rest_framework.authtoken'],
    MIDDLEWARE=['django.contrib.sessions.middleware.SessionMiddleware',
                'django.contrib.auth.middleware.AuthenticationMiddleware'],
    REST_FRAMEWORK={
        'DEFAULT_AUTHENTICATION_CLASSES': ['rest_framework.authentication.TokenAuthentication',
                                           'rest_framework.authentication.BasicAuthentication',
                                           'rest_framework.authentication.SessionAuthentication'],
        'DEFAULT_PERMISSION_CLASSES': ['rest_framework.permissions.IsAuthenticated'],
        'DEFAULT_RENDERER_CLASSES': ['rest_framework.renderers.JSONRenderer'],
    },
    PASSWORD_HASHERS=['django.contrib.auth.hashers.MD5PasswordHasher'],  # fast; the format is not under test
)
django.setup()

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import path
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.decorators import api_view
from rest_framework.response import Response


@api_view(['GET', 'POST'])
def me(request):
    return Response({'username': request.user.username})


urlpatterns = [path('me/', me), path('api-token-auth/', obtain_auth_token)]
call_command('migrate', verbosity=0)
alice = User.objects.create_user('alice', password='secret')
token = Token.objects.create(user=alice)


def show(name, response):
    headers = {k: v for k, v in response.items() if k in ('Allow', 'Vary', 'WWW-Authenticate')}
    print(f'{name}: {response.status_code} {response.content.decode()} {headers}')


client = Client()
# A WSGI header is latin-1 text of the bytes sent: UTF-8 "ключ" arrives as its bytes.
show('token ключ (UTF-8)', client.get('/me/', HTTP_AUTHORIZATION='Token ' + 'ключ'.encode().decode('latin-1')))
show('token \\xe9 (not UTF-8)', client.get('/me/', HTTP_AUTHORIZATION='Token \xe9t\xe9'))
show('token with a control character', client.get('/me/', HTTP_AUTHORIZATION='Token a\x01b'))
good = base64.b64encode(b'alice:secret').decode()
for encoded in [good, good[:4] + '*' + good[4:], 'abc', good.rstrip('='), 'YQ==YQ==', '***']:
    show(f'basic {encoded}', client.get('/me/', HTTP_AUTHORIZATION='Basic ' + encoded))
show('obtain-token with an unknown Token header',
     client.post('/api-token-auth/', {'username': 'alice', 'password': 'secret'}, HTTP_AUTHORIZATION='Token nope'))
show('obtain-token', client.post('/api-token-auth/', {'username': 'alice', 'password': 'secret'}))
show('obtain-token GET', client.get('/api-token-auth/'))
session = Client(enforce_csrf_checks=True)
session.force_login(alice)
show('obtain-token with a session, no CSRF cookie', session.post('/api-token-auth/', {'username': 'alice', 'password': 'secret'}))
show('POST /me/ with a session, no CSRF cookie', session.post('/me/'))
session.cookies['csrftoken'] = 'a' * 64
show('POST /me/ with a session and the CSRF cookie, no header', session.post('/me/'))
show('GET /me/ anonymous', client.get('/me/'))
show('GET /me/ with the token', client.get('/me/', HTTP_AUTHORIZATION='Token ' + token.key))
