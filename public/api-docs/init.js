// Shows the JSON API's OpenAPI document (served by the Center itself) with
// the vendored Swagger UI: a file rather than an inline script, so the
// Content-Security-Policy stays `script-src 'self'`.
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // The document's own "Try it out" calls this server; no validator or
  // anything else is fetched from the internet.
  validatorUrl: null,
});
