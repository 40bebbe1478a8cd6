"""Google's OAuth 2.0 token endpoint for a service-account key, as gcloud uses it after
`gcloud auth activate-service-account --key-file DIR/service-account.json`.

The key's token_uri points here (POST /token on the google port). gcloud signs a JWT with the key's RSA
private key and trades it for an access token (the JWT-bearer grant of RFC 7523); the answer carries
`expires_in`, so gcloud's config-helper reports a `token_expiry` and gke-gcloud-auth-plugin caches the token
instead of asking gcloud again on every kubectl call (as it must with an access-token file, which has no
expiry). The access token is the emulator's one bearer token. Errors are the real endpoint's: 400
`invalid_grant` with "Invalid JWT Signature." or "Invalid JWT: ...", 400 `unsupported_grant_type`.
"""
import base64
import hashlib
import json
import os
import subprocess
import time
from urllib.parse import parse_qs

from core import ApiError

GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# DER DigestInfo prefix of a SHA-256 hash in an RSASSA-PKCS1-v1_5 signature (RFC 8017 section 9.2).
SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def make_key(d, email, project, token_uri):
    """Writes DIR/service-account.json (a key like the Cloud console's, for `email`) and returns the public
    key (n, e) the endpoint checks signatures with."""
    pem = subprocess.run(["openssl", "genrsa", "2048"], check=True, capture_output=True, text=True).stdout
    modulus = subprocess.run(["openssl", "rsa", "-noout", "-modulus"], input=pem, check=True,
                             capture_output=True, text=True).stdout.strip().split("=", 1)[1]
    key_id = hashlib.sha1(modulus.encode()).hexdigest()
    doc = {"type": "service_account", "project_id": project, "private_key_id": key_id, "private_key": pem,
           "client_email": email, "client_id": "100000000000000000001", "token_uri": token_uri,
           "auth_uri": "https://accounts.google.com/o/oauth2/auth"}
    path = os.path.join(d, "service-account.json")
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, indent=2)
    os.chmod(path + ".tmp", 0o600)
    os.replace(path + ".tmp", path)
    return {"n": int(modulus, 16), "e": 65537, "email": email}


def _b64(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class OAuthError(ApiError):
    """The token endpoint's own error shape: {"error", "error_description"}, not Google's API error."""

    def __init__(self, error, description):
        super().__init__(400, description)
        self.error = error


def token(h, _groups):
    form = parse_qs(h.body.decode("utf-8", "replace"))
    if form.get("grant_type", [""])[0] != GRANT:
        raise OAuthError("unsupported_grant_type", "Invalid grant_type: %s" % form.get("grant_type", [""])[0])
    assertion = form.get("assertion", [""])[0]
    try:
        header, claims, signature = assertion.split(".")
        claims_doc = json.loads(_b64(claims))
        sig = int.from_bytes(_b64(signature), "big")
    except ValueError:
        raise OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                         "reasonable timeframe. Check your iat and exp values in the JWT claim.")
    key = h.emu.oauth_key
    if not key:
        raise OAuthError("invalid_grant", "Invalid JWT Signature.")
    # RSASSA-PKCS1-v1_5 with SHA-256: the signature to the public exponent is the padded hash.
    n, size = key["n"], (key["n"].bit_length() + 7) // 8
    digest = hashlib.sha256((header + "." + claims).encode()).digest()
    expected = b"\x00\x01" + b"\xff" * (size - 3 - len(SHA256_PREFIX) - len(digest)) + b"\x00" + SHA256_PREFIX + digest
    if sig >= n or pow(sig, key["e"], n).to_bytes(size, "big") != expected:
        raise OAuthError("invalid_grant", "Invalid JWT Signature.")
    now = time.time()
    if claims_doc.get("iss") != key["email"] or not (claims_doc.get("iat", 0) - 300 <= now <= claims_doc.get("exp", 0) + 300):
        raise OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                         "reasonable timeframe. Check your iat and exp values in the JWT claim.")
    return 200, {"access_token": h.emu.token, "expires_in": 3599, "token_type": "Bearer"}
