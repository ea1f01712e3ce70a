package io.ferry.gateway.api;

import io.ferry.gateway.migration.ProjectionRebuilder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Administration: rebuild the projections from the event log ({@code ferry replay} calls this). */
@RestController
@RequestMapping("/api/admin")
public class AdminController {
    private final ProjectionRebuilder rebuilder;

    public AdminController(ProjectionRebuilder rebuilder) {
        this.rebuilder = rebuilder;
    }

    @PostMapping("/replay")
    public ProjectionRebuilder.Result replay() {
        return rebuilder.rebuild();
    }
}
