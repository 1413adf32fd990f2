// The collector alone (serve and purge, without the dashboard and its statistics rollup thread):
// what the collector benchmarks measure. The product's only main is the app module's
// (bin/jmo-telemetry); this harness starts the same collector command line without the analytics
// extension. Run it with the collector's class path, from the repository's root:
//
//   java -cp "collector/target/jmo-telemetry-collector-0.7.0.jar:collector/target/lib/*" \
//       bench/collector/BareCollector.java serve --port 8787 --db bench.db

import com.jmotools.telemetry.collector.JmoTelemetryCommand;
import java.util.List;

public final class BareCollector {
  public static void main(String[] args) {
    System.exit(JmoTelemetryCommand.commandLine(List.of()).execute(args));
  }
}
