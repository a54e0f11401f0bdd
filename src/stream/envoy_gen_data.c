/* envoy_gen_data.c — the generator's static tables (see envoy_gen_data.h). Routes are in
 * popularity order; the GEN_ROUTE_* indexes in the header must match their positions
 * (envoy_gen_test checks them by name). */
#include "stream/envoy_gen_data.h"

#define GET    GEN_STR("GET")
#define POST   GEN_STR("POST")
#define PUT    GEN_STR("PUT")
#define PATCH  GEN_STR("PATCH")
#define DELETE GEN_STR("DELETE")

#define ENDPOINTS(array) array, (uint8_t)TN_ARRAY_LEN(array)

static const GenEndpoint frontend[] = {
        {GET, "/", 300, 0, 14500, 0},
        {GET, "/static/js/app.{hash}.js", 180, 0, 182000, 0},
        {GET, "/static/css/main.{hash}.css", 150, 0, 31000, 0},
        {GET, "/favicon.ico", 80, 0, 4300, 0},
        {GET, "/products/{id}", 200, 0, 22000, 0},
        {GET, "/about", 20, 0, 9800, 0},
        {GET, "/img/{id}.webp", 120, 1, 48000, 0},
};
static const GenEndpoint catalog[] = {
        {GET, "/api/products?page={page}", 300, 0, 8200, 0},
        {GET, "/api/products/{id}", 500, 0, 2100, 0},
        {GET, "/api/categories", 80, 1, 1400, 0},
};
static const GenEndpoint backend[] = {
        {GET, "/api/v1/items", 250, 0, 5100, 0},
        {GET, "/api/v1/items/{id}", 450, 0, 900, 0},
        {POST, "/api/v1/items", 120, 0, 310, 420},
        {PUT, "/api/v1/items/{id}", 60, 0, 300, 410},
        {DELETE, "/api/v1/items/{id}", 20, 0, 0, 0},
        {GET, "/api/v1/users/{id}/items", 100, 1, 3300, 0},
};
static const GenEndpoint search[] = {
        {GET, "/api/search?q={word}", 700, 0, 6400, 0},
        {GET, "/api/search/suggest?q={word}", 300, 0, 380, 0},
};
static const GenEndpoint cart[] = {
        {GET, "/api/cart", 500, 0, 1200, 0},
        {POST, "/api/cart/items", 300, 0, 1250, 90},
        {DELETE, "/api/cart/items/{id}", 80, 0, 1100, 0},
};
static const GenEndpoint session[] = {
        {GET, "/session", 700, 0, 240, 0},
        {POST, "/session/refresh", 300, 0, 610, 0},
};
static const GenEndpoint images[] = {
        {GET, "/img/{id}/{size}.webp", 900, 0, 61000, 0},
        {GET, "/img/{id}/original.jpg", 100, 0, 420000, 0},
};
static const GenEndpoint grafana[] = {
        {GET, "/api/dashboards/uid/{hash}", 250, 0, 18000, 0},
        {POST, "/api/ds/query", 500, 0, 24000, 1300},
        {GET, "/public/build/{hash}.js", 150, 1, 95000, 0},
        {GET, "/api/search?query={word}", 100, 0, 3100, 0},
};
static const GenEndpoint inference[] = {
        {POST, "/v1/models/{model}:predict", 800, 0, 1800, 2400},
        {GET, "/v1/models/{model}", 200, 0, 520, 0},
};
static const GenEndpoint recommendations[] = {
        {GET, "/api/recommendations/{id}", 800, 0, 4200, 0},
        {GET, "/api/recommendations/trending", 200, 0, 5100, 0},
};
static const GenEndpoint login[] = {
        {POST, "/login", 650, 0, 560, 75},
        {GET, "/login", 350, 0, 7200, 0},
};
static const GenEndpoint checkout[] = {
        {POST, "/api/checkout", 500, 0, 1700, 1100},
        {GET, "/api/checkout/{uuid}", 500, 0, 1500, 0},
};
static const GenEndpoint payments[] = {
        {POST, "/api/payments/charge", 600, 0, 740, 620},
        {GET, "/api/payments/{uuid}", 400, 0, 690, 0},
};
static const GenEndpoint oauth[] = {
        {POST, "/oauth/token", 600, 0, 1300, 210},
        {GET, "/oauth/authorize?client_id={hash}&response_type=code", 300, 0, 6400, 0},
        {GET, "/.well-known/openid-configuration", 100, 1, 1900, 0},
};
static const GenEndpoint orders[] = {
        {GET, "/api/orders/{id}", 600, 0, 2600, 0},
        {GET, "/api/orders?page={page}", 400, 0, 9100, 0},
};
static const GenEndpoint reviews[] = {
        {GET, "/api/products/{id}/reviews", 850, 0, 7400, 0},
        {POST, "/api/products/{id}/reviews", 150, 0, 420, 640},
};
static const GenEndpoint prometheus[] = {
        {GET, "/api/v1/query?query={metric}", 600, 0, 2900, 0},
        {GET, "/api/v1/query_range?query={metric}&step=30", 400, 0, 41000, 0},
};
static const GenEndpoint embeddings[] = {
        {POST, "/v1/embeddings", 1000, 0, 12500, 1600},
};
static const GenEndpoint docs[] = {
        {GET, "/docs/{word}", 600, 0, 21000, 0},
        {GET, "/docs/{word}/{word}", 400, 0, 26000, 0},
};
static const GenEndpoint feature_store[] = {
        {GET, "/v1/features/{id}", 700, 0, 1100, 0},
        {POST, "/v1/features/batch", 300, 0, 23000, 900},
};
static const GenEndpoint users[] = {
        {GET, "/users/me", 850, 0, 730, 0},
        {PATCH, "/users/me", 150, 0, 740, 180},
};
static const GenEndpoint blog[] = {
        {GET, "/posts/{id}", 800, 0, 34000, 0},
        {GET, "/feed.xml", 200, 0, 88000, 0},
};
static const GenEndpoint inventory[] = {
        {GET, "/api/inventory/{id}", 900, 0, 180, 0},
        {PUT, "/api/inventory/{id}", 100, 0, 170, 60},
};
static const GenEndpoint loki[] = {
        {POST, "/loki/api/v1/push", 1000, 0, 0, 5200},
};
static const GenEndpoint alertmanager[] = {
        {GET, "/api/v2/alerts", 700, 0, 4800, 0},
        {POST, "/api/v2/alerts", 300, 0, 0, 1900},
};
static const GenEndpoint model_registry[] = {
        {GET, "/api/2.0/mlflow/registered-models/get?name={model}", 800, 0, 2300, 0},
        {GET, "/api/2.0/mlflow/model-versions/search?name={model}", 200, 0, 5600, 0},
};
static const GenEndpoint signup[] = {
        {GET, "/signup", 600, 0, 8100, 0},
        {POST, "/signup", 400, 0, 430, 160},
};
static const GenEndpoint status[] = {
        {GET, "/status", 500, 0, 2, 0},
        {GET, "/api/status.json", 500, 0, 640, 0},
};
static const GenEndpoint notebooks[] = {
        {GET, "/lab/api/sessions", 500, 0, 1400, 0},
        {GET, "/api/kernels", 500, 0, 900, 0},
};
static const GenEndpoint downloads[] = {
        {GET, "/releases/v{ver}/tarn-linux-amd64.tar.gz", 700, 0, 9200000, 0},
        {GET, "/releases/v{ver}/SHA256SUMS", 300, 0, 420, 0},
};

const GenRouteDef gen_routes[] = {
        {"default", "frontend", "www.example.com", 6, 70, 3, 8080, ENDPOINTS(frontend)},
        {"shop", "catalog", "shop.example.com", 22, 60, 3, 8080, ENDPOINTS(catalog)},
        {"default", "backend", "api.example.com", 28, 75, 4, 3000, ENDPOINTS(backend)},
        {"shop", "search", "shop.example.com", 45, 70, 2, 8080, ENDPOINTS(search)},
        {"shop", "cart", "shop.example.com", 18, 55, 2, 8080, ENDPOINTS(cart)},
        {"auth", "session", "auth.example.com", 5, 50, 2, 9000, ENDPOINTS(session)},
        {"shop", "images", "img.example.com", 4, 80, 2, 8080, ENDPOINTS(images)},
        {"monitoring", "grafana", "grafana.example.com", 55, 90, 1, 3000, ENDPOINTS(grafana)},
        {"ml", "inference", "ml.example.com", 120, 85, 3, 8501, ENDPOINTS(inference)},
        {"shop", "recommendations", "shop.example.com", 65, 65, 2, 8080,
         ENDPOINTS(recommendations)},
        {"auth", "login", "auth.example.com", 85, 40, 2, 9000, ENDPOINTS(login)},
        {"shop", "checkout", "shop.example.com", 140, 60, 2, 8080, ENDPOINTS(checkout)},
        {"shop", "payments", "payments.example.com", 230, 55, 3, 8443, ENDPOINTS(payments)},
        {"auth", "oauth", "auth.example.com", 32, 55, 2, 9000, ENDPOINTS(oauth)},
        {"shop", "orders", "shop.example.com", 38, 60, 2, 8080, ENDPOINTS(orders)},
        {"shop", "reviews", "shop.example.com", 33, 60, 2, 8080, ENDPOINTS(reviews)},
        {"monitoring", "prometheus", "prometheus.example.com", 75, 95, 1, 9090,
         ENDPOINTS(prometheus)},
        {"ml", "embeddings", "ml.example.com", 58, 70, 2, 8501, ENDPOINTS(embeddings)},
        {"default", "docs", "docs.example.com", 9, 60, 2, 8080, ENDPOINTS(docs)},
        {"ml", "feature-store", "features.example.com", 14, 55, 2, 6566, ENDPOINTS(feature_store)},
        {"auth", "users", "auth.example.com", 19, 50, 2, 9000, ENDPOINTS(users)},
        {"default", "blog", "blog.example.com", 11, 60, 1, 2368, ENDPOINTS(blog)},
        {"shop", "inventory", "shop.example.com", 16, 50, 2, 8080, ENDPOINTS(inventory)},
        {"monitoring", "loki", "loki.example.com", 24, 60, 2, 3100, ENDPOINTS(loki)},
        {"monitoring", "alertmanager", "alerts.example.com", 14, 50, 1, 9093,
         ENDPOINTS(alertmanager)},
        {"ml", "model-registry", "models.example.com", 29, 60, 1, 5000, ENDPOINTS(model_registry)},
        {"auth", "signup", "auth.example.com", 105, 45, 2, 9000, ENDPOINTS(signup)},
        {"default", "status", "status.example.com", 2, 40, 1, 8080, ENDPOINTS(status)},
        {"ml", "notebooks", "notebooks.example.com", 38, 80, 1, 8888, ENDPOINTS(notebooks)},
        {"default", "downloads", "downloads.example.com", 380, 90, 1, 8080, ENDPOINTS(downloads)},
};
const size_t gen_n_routes = TN_ARRAY_LEN(gen_routes);

#define VIA_UPSTREAM GEN_STR("via_upstream")
#define NO_FLAGS     GEN_STR("-")

const GenOutcome gen_outcomes[] = {
        {200, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 8450, 3100},
        {201, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 0, 3900},
        {204, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 40, 1500},
        {301, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 150, 0},
        {302, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 90, 90},
        {304, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 620, 0},
        {400, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 90, 420},
        {401, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 100, 280},
        {403, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 60, 90},
        {404, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 230, 70},
        {404, GEN_STR("NR"), GEN_STR("route_not_found"), GEN_ORIGIN_NO_ROUTE, 25, 5},
        {409, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 0, 60},
        {422, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 0, 90},
        {429, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 20, 20},
        {500, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 25, 45},
        {502, NO_FLAGS, VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 6, 6},
        {503, GEN_STR("UC"),
         GEN_STR("upstream_reset_before_response_started{connection_termination}"),
         GEN_ORIGIN_UPSTREAM, 4, 4},
        {503, GEN_STR("UH"), GEN_STR("no_healthy_upstream"), GEN_ORIGIN_NO_HOST, 4, 4},
        {503, GEN_STR("UF"), GEN_STR("upstream_reset_before_response_started{connection_failure}"),
         GEN_ORIGIN_CONNECT, 4, 4},
        {503, GEN_STR("UO"), GEN_STR("upstream_reset_before_response_started{overflow}"),
         GEN_ORIGIN_NO_HOST, 2, 2},
        {503, GEN_STR("URX"), VIA_UPSTREAM, GEN_ORIGIN_UPSTREAM, 3, 3},
        {504, GEN_STR("UT"), GEN_STR("upstream_response_timeout"), GEN_ORIGIN_TIMEOUT, 6, 8},
        {0, GEN_STR("DC"), GEN_STR("downstream_remote_disconnect"), GEN_ORIGIN_DOWNSTREAM, 5, 5},
};
const size_t gen_n_outcomes = TN_ARRAY_LEN(gen_outcomes);

const GenUserAgent gen_user_agents[] = {
        {GEN_STR("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                 "Gecko) Chrome/130.0.0.0 Safari/537.36"),
         240},
        {GEN_STR("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, "
                 "like Gecko) Chrome/130.0.0.0 Safari/537.36"),
         110},
        {GEN_STR("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, "
                 "like Gecko) Version/18.0 Safari/605.1.15"),
         80},
        {GEN_STR("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"),
         120},
        {GEN_STR("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                 "Gecko) Chrome/130.0.6723.58 Mobile Safari/537.36"),
         90},
        {GEN_STR("Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"), 50},
        {GEN_STR("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                 "Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.46"),
         50},
        {GEN_STR("curl/8.10.1"), 40},
        {GEN_STR("curl/7.88.1"), 20},
        {GEN_STR("Go-http-client/2.0"), 45},
        {GEN_STR("Go-http-client/1.1"), 20},
        {GEN_STR("python-requests/2.32.3"), 35},
        {GEN_STR("okhttp/4.12.0"), 30},
        {GEN_STR("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"), 25},
        {GEN_STR("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"), 12},
        {GEN_STR("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"), 8},
        {GEN_STR("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
                 "+https://openai.com/gptbot)"),
         5},
};
const size_t gen_n_user_agents = TN_ARRAY_LEN(gen_user_agents);

const GenStr gen_ua_probe = GEN_STR("kube-probe/1.31");
const GenStr gen_ua_prometheus = GEN_STR("Prometheus/2.54.1");
const GenStr gen_ua_scanner = GEN_STR("Mozilla/5.0 zgrab/0.x");

const GenStr gen_words[] = {
        GEN_STR("shoes"),   GEN_STR("laptop"),     GEN_STR("coffee"),  GEN_STR("tent"),
        GEN_STR("jacket"),  GEN_STR("kettle"),     GEN_STR("monitor"), GEN_STR("backpack"),
        GEN_STR("lamp"),    GEN_STR("headphones"), GEN_STR("desk"),    GEN_STR("bike"),
        GEN_STR("install"), GEN_STR("config"),     GEN_STR("api"),     GEN_STR("streaming"),
        GEN_STR("iceberg"), GEN_STR("catalog"),    GEN_STR("sql"),     GEN_STR("quickstart"),
};
const size_t gen_n_words = TN_ARRAY_LEN(gen_words);

const GenStr gen_models[] = {
        GEN_STR("fraud-detector"), GEN_STR("churn-v3"),   GEN_STR("recsys-two-tower"),
        GEN_STR("sentiment-bert"), GEN_STR("llama-3-8b"), GEN_STR("demand-forecast"),
};
const size_t gen_n_models = TN_ARRAY_LEN(gen_models);

const GenStr gen_metrics[] = {
        GEN_STR("up"),
        GEN_STR("rate(http_requests_total[5m])"),
        GEN_STR("histogram_quantile(0.99,rate(envoy_cluster_upstream_rq_time_bucket[5m]))"),
        GEN_STR("sum(container_memory_working_set_bytes)"),
        GEN_STR("node_load1"),
};
const size_t gen_n_metrics = TN_ARRAY_LEN(gen_metrics);

const GenStr gen_scan_dirs[] = {
        GEN_STR("/"),         GEN_STR("/admin/"),   GEN_STR("/wp-admin/"),   GEN_STR("/backup/"),
        GEN_STR("/old/"),     GEN_STR("/test/"),    GEN_STR("/api/"),        GEN_STR("/.git/"),
        GEN_STR("/cgi-bin/"), GEN_STR("/vendor/"),  GEN_STR("/phpmyadmin/"), GEN_STR("/static/"),
        GEN_STR("/config/"),  GEN_STR("/private/"), GEN_STR("/debug/"),      GEN_STR("/server/"),
};
const size_t gen_n_scan_dirs = TN_ARRAY_LEN(gen_scan_dirs);

const GenStr gen_scan_files[] = {
        GEN_STR(".env"),           GEN_STR("config.php"),
        GEN_STR("wp-login.php"),   GEN_STR("xmlrpc.php"),
        GEN_STR("config"),         GEN_STR("HEAD"),
        GEN_STR("index.php.bak"),  GEN_STR("db.sql"),
        GEN_STR("dump.sql.gz"),    GEN_STR("backup.zip"),
        GEN_STR("site.tar.gz"),    GEN_STR("web.config"),
        GEN_STR("phpinfo.php"),    GEN_STR("server-status"),
        GEN_STR("id_rsa"),         GEN_STR("credentials.json"),
        GEN_STR("settings.py"),    GEN_STR("docker-compose.yml"),
        GEN_STR(".htpasswd"),      GEN_STR("shell.php"),
        GEN_STR("eval-stdin.php"), GEN_STR("setup.cgi"),
        GEN_STR("login.action"),   GEN_STR("console"),
        GEN_STR("actuator/env"),   GEN_STR("swagger.json"),
        GEN_STR("graphql"),        GEN_STR(".DS_Store"),
        GEN_STR("wallet.dat"),     GEN_STR("install.php"),
        GEN_STR("adminer.php"),    GEN_STR("test.php"),
};
const size_t gen_n_scan_files = TN_ARRAY_LEN(gen_scan_files);
