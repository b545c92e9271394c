// One system (PostgreSQL, mail sink, two services) and one Chromium for the whole run: a 2-core machine holds that well.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
