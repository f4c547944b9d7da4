// A local OpenID Connect provider that behaves like ProConnect, for Binôme's tests.
//
// Real `oidc-provider` (not a mock): discovery, JWKS, authorize, token, userinfo, session/end, all
// under /api/v2 as on ProConnect. Like ProConnect it signs the ID token and the userinfo response
// (application/jwt) with RS256, requires state and nonce, accepts acr_values=eidas1 and the claims
// parameter, returns amr only when asked through `claims`, authenticates the client with
// client_secret_post, and logs out with id_token_hint + post_logout_redirect_uri + state.
//
// Configuration: one JSON argument
//   {"client_id", "client_secret", "redirect_uris": [...], "post_logout_redirect_uris": [...],
//    "agents": {"<email>": {"sub", "given_name", "usual_name", "uid", "siret", "idp_id", "amr": [...],
//                           "acr"?: eIDAS level reported, "eidas1" when left out, none when null}}}
// Prints `READY <issuer>` on stdout once listening on 127.0.0.1 (a free port).
//
// The "identity provider" page asks for the agent's e-mail address (ProConnect's own first screen).

import http from "node:http";
import { generateKeyPairSync } from "node:crypto";

import Provider from "oidc-provider";

const config = JSON.parse(process.argv[2]);
const PREFIX = "/api/v2";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "proconnect-test", use: "sig", alg: "RS256" };

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function page(title, body) {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

const emailBySub = Object.fromEntries(Object.entries(config.agents).map(([email, agent]) => [agent.sub, email]));

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}${PREFIX}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: config.client_id,
        client_secret: config.client_secret,
        redirect_uris: config.redirect_uris,
        post_logout_redirect_uris: config.post_logout_redirect_uris,
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: "RS256",
        userinfo_signed_response_alg: "RS256",
      },
    ],
    jwks: { keys: [jwk] },
    scopes: ["openid", "email", "given_name", "usual_name", "uid", "siret", "idp_id"],
    claims: {
      openid: ["sub"],
      email: ["email"],
      given_name: ["given_name"],
      usual_name: ["usual_name"],
      uid: ["uid"],
      siret: ["siret"],
      idp_id: ["idp_id"],
      amr: null,
      acr: null,
    },
    // What ProConnect's federation publishes; agents may report any of them (or none, see "acr" above).
    acrValues: [
      "eidas1",
      "eidas2",
      "eidas3",
      "https://proconnect.gouv.fr/assurance/self-asserted",
      "https://proconnect.gouv.fr/assurance/consistency-checked",
      "https://proconnect.gouv.fr/assurance/consistency-checked-2fa",
    ],
    routes: { authorization: "/authorize", userinfo: "/userinfo", jwks: "/jwks", end_session: "/session/end" },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page(
            "Déconnexion de ProConnect",
            `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter de ProConnect</button>`,
          );
        },
      },
    },
    // ProConnect's sub is an opaque identifier; the claims come from the agent's identity provider.
    async findAccount(ctx, sub) {
      const email = emailBySub[sub];
      if (!email) return undefined;
      const agent = config.agents[email];
      return {
        accountId: sub,
        async claims() {
          return {
            sub: agent.sub,
            email,
            given_name: agent.given_name,
            usual_name: agent.usual_name,
            uid: agent.uid,
            siret: agent.siret,
            idp_id: agent.idp_id,
          };
        },
      };
    },
    interactions: { url: (ctx, interaction) => `${PREFIX}/interaction/${interaction.uid}` },
    cookies: { keys: ["proconnect-test-cookie-key"] },
    ttl: { AccessToken: 60, AuthorizationCode: 30, IdToken: 3600, Session: 43200, Grant: 43200, Interaction: 600 },
    pkce: { required: () => false },
    renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = page("Erreur ProConnect", `<pre>${escape(JSON.stringify(out))}</pre>`);
    },
  });
  provider.proxy = false;

  const callback = provider.callback();

  async function interaction(req, res, uid) {
    const details = await provider.interactionDetails(req, res);
    if (req.method === "GET") {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end(
        page(
          "Connexion à ProConnect",
          `<form method="post" action="${PREFIX}/interaction/${escape(uid)}">
             <label for="email">Adresse e-mail professionnelle</label>
             <input id="email" name="email" type="email" required>
             <button type="submit">Continuer</button>
           </form>`,
        ),
      );
      return;
    }
    let body = "";
    for await (const chunk of req) body += chunk;
    const email = new URLSearchParams(body).get("email");
    const agent = config.agents[email];
    if (!agent) {
      await provider.interactionFinished(req, res, {
        error: "access_denied",
        error_description: "Agent inconnu",
      });
      return;
    }
    const grant = new provider.Grant({ accountId: agent.sub, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    grant.addOIDCClaims(["amr", "acr"]);
    await grant.save();
    await provider.interactionFinished(
      req,
      res,
      {
        login: { accountId: agent.sub, amr: agent.amr, acr: "acr" in agent ? (agent.acr ?? undefined) : "eidas1" },
        consent: { grantId: grant.jti },
      },
      { mergeWithLastSubmission: false },
    );
  }

  server.on("request", async (req, res) => {
    const match = req.url.match(new RegExp(`^${PREFIX}/interaction/([^/?]+)`));
    try {
      if (match) {
        await interaction(req, res, match[1]);
        return;
      }
      if (req.url.startsWith(PREFIX)) {
        req.originalUrl = req.url;
        req.url = req.url.slice(PREFIX.length) || "/";
      }
      callback(req, res);
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  process.stdout.write(`READY ${issuer}\n`);
});

process.on("SIGTERM", () => server.close(() => process.exit(0)));
