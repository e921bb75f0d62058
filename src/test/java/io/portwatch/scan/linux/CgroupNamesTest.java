package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CgroupNames} on {@code /proc/PID/cgroup} texts of each container runtime; the fixtures and where each
 * came from are in {@code CgroupNamesTest/README.md}.
 */
class CgroupNamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "docker-cgroupfs-v1.txt, container:4f8e2a9c1b7d",
            "docker-systemd-v2.txt, container:9e1c0d2b3a4f",
            "docker-in-docker-v1.txt, container:9e1c0d2b3a4f",
            "kubernetes-containerd-systemd-v2.txt, pod:3c5e8a1b-2d4f-4a6b-9c8d-0e1f2a3b4c5d",
            "kubernetes-containerd-cgroupfs-v1.txt, pod:7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "kubernetes-crio-systemd-v2.txt, pod:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "crio-conmon-v2.txt, pod:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "podman-rootless-v2.txt, container:c0ffee00c0ff",
            "podman-root-v2.txt, container:c0ffee00c0ff",
            "podman-conmon-v2.txt, ''",
            "systemd-host-v2.txt, ''",
            "this-host-sandbox.txt, ''",
    })
    void runtimeCgroupPathNamesItsContainerOrPod(String fixture, String expected) throws IOException {
        assertEquals(expected.isEmpty() ? Optional.empty() : Optional.of(expected), CgroupNames.name(fixture(fixture)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0::/",
            "garbage without colons",
            "0::/docker/4f8e2a9c1b7d", // too short for an id
            "0::/docker/4F8E2A9C1B7D3E6F5A0B9C8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F", // ids are lower case
            "0::/system.slice/docker-4f8e2a9c1b7d3e6f5a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f.mount",
            "0::/podfoo/bar",
    })
    void pathWithoutContainerIdOrPodUidNamesNothing(String text) {
        assertEquals(Optional.empty(), CgroupNames.name(text));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = CgroupNamesTest.class.getResourceAsStream("CgroupNamesTest/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
