import io.javalin.Javalin;

/**
 * The benchmark's baseline: Javalin on Jetty, the collector's own HTTP stack, answering 200 "OK"
 * to every POST without reading, validating or storing anything. Run as a single-file program:
 * java -cp 'collector/target/lib/*' bench/collector/TrivialServer.java <port>
 */
public final class TrivialServer {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Javalin app = Javalin.create(config -> config.showJavalinBanner = false);
    app.post("/*", ctx -> {
      ctx.bodyAsBytes();
      ctx.result("OK");
    });
    app.get("/readyz", ctx -> ctx.result("ready"));
    app.start("127.0.0.1", port);
  }
}
