package arsearch.cluster;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, built from the Maven Central jars on the classpath.
 *
 * <p>Every argument is a node setting written {@code key=value} (path.home, path.data, node.name, cluster.name,
 * http.port, transport.port, discovery.seed_hosts, cluster.initial_cluster_manager_nodes, ...). A stock
 * distribution loads its modules from a modules/ folder; here they are classes on the classpath, which only
 * Node's protected constructor accepts, hence the subclass. The node runs until the JVM is told to stop
 * (SIGTERM closes it cleanly; SIGKILL is what the fault tests use).
 */
public final class ClusterNode extends Node {

    private static final List<Class<? extends Plugin>> MODULES = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        MapperExtrasPlugin.class,
        PainlessPlugin.class,
        ReindexPlugin.class
    );

    private ClusterNode(Environment environment) {
        super(environment, MODULES, true);
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder settings = Settings.builder();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("expected key=value, got: " + arg);
            }
            settings.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings.build(), Collections.emptyMap(), null, () -> "node");
        ClusterNode node = new ClusterNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "arsearch-cluster-node-stop"));
        node.start();
        System.out.println("arsearch-cluster: node started");
        stopped.await();
    }
}
