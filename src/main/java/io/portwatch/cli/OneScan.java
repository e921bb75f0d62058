package io.portwatch.cli;

import io.portwatch.config.Definitions;
import io.portwatch.config.DefinitionsLoadResult;
import io.portwatch.config.DefinitionsLoader;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Evaluator;
import io.portwatch.scan.NameCache;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketSource;
import io.portwatch.scan.SocketSources;
import io.portwatch.support.FileTrust;

import java.io.IOException;

/** What one-shot commands share: the platform's socket source, one scan, one evaluation. */
final class OneScan {

    private OneScan() {
    }

    /** The socket source the settings ask for. */
    static SocketSource source(Settings settings) throws SocketSources.UnsupportedPlatformException {
        return SocketSources.create(settings.get(SettingKey.SCAN_SOURCE), System.getProperty("os.name"),
                ScanOptions.of(settings.get(SettingKey.NAMESPACES), settings.get(SettingKey.SCAN_LISTEN_BACKLOG),
                        settings.get(SettingKey.SCAN_READER), true));
    }

    /** Loads the definitions the settings name. */
    static DefinitionsLoadResult definitions(Settings settings) {
        return DefinitionsLoader.load(settings.getPath(SettingKey.DEFINITIONS),
                FileTrust.of(settings.getBoolean(SettingKey.FILES_STRICT_MODES)));
    }

    /** Scans once and evaluates the definitions, resolving remote names on this thread. */
    static Evaluation evaluate(Settings settings, Definitions definitions, Snapshot snapshot) {
        ResolvedNames resolved = NameCache.resolveNow(NameCache.SYSTEM, definitions.remoteNames());
        return Evaluator.evaluate(definitions, snapshot, resolved, EvaluationOptions.of(settings));
    }

    static Snapshot scan(Settings settings) throws IOException, SocketSources.UnsupportedPlatformException {
        return scan(settings, Definitions.EMPTY);
    }

    /** Scans once, measuring the quality of the connections {@code definitions} judge (netlink). */
    static Snapshot scan(Settings settings, Definitions definitions)
            throws IOException, SocketSources.UnsupportedPlatformException {
        SocketSource source = source(settings);
        try {
            source.measureQualityFor(definitions.forHost(EvaluationOptions.of(settings).hostName()).remotePortRanges());
            return source.scan();
        } finally {
            source.close();
        }
    }
}
