package dev.bulwark.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.vuln.osv.Advisory;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The incremental build groups exactly as the full build of the same advisories: every advisory's
 * group and every group's ids, after one append or several, and through the index.
 */
class AliasGroupsProperties {

  @Property(tries = 300)
  void appendingGroupsLikeAFullBuild(
      @ForAll("keyLists") List<List<String>> first,
      @ForAll("batches") List<List<List<String>>> more) {
    List<List<String>> all = new ArrayList<>(first);
    AliasGroups incremental = AliasGroups.of(first, first.size());
    for (List<List<String>> batch : more) {
      all.addAll(batch);
      incremental = incremental.append(batch);
      assertSameGroups(incremental, AliasGroups.of(all, all.size()));
    }
  }

  /** Link records (nodes past those kept) join groups and lend them their ids, nothing more. */
  @Property(tries = 200)
  void linkRecordsOnlyJoinGroups(
      @ForAll("keyLists") List<List<String>> kept, @ForAll("keyLists") List<List<String>> links) {
    List<List<String>> all = new ArrayList<>(kept);
    all.addAll(links);
    AliasGroups withLinks = AliasGroups.of(all, kept.size());
    AliasGroups everything = AliasGroups.of(all, all.size());
    assertThat(withLinks.size()).isEqualTo(kept.size());
    for (int i = 0; i < kept.size(); i++) {
      assertThat(withLinks.groupOf(i)).isEqualTo(everything.groupOf(i));
      assertThat(withLinks.ids(i)).isEqualTo(everything.ids(i));
    }
  }

  @Property(tries = 200)
  void indexRebuiltByAppendGroupsLikeAFreshBuild(
      @ForAll("specLists") List<IndexRebuildProperties.Spec> first,
      @ForAll("specLists") List<IndexRebuildProperties.Spec> second)
      throws Exception {
    List<Advisory> records = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      records.add(IndexRebuildProperties.advisory("A-" + i, first.get(i)));
    }
    AdvisoryIndex index = AdvisoryIndex.build(records);
    for (int i = 0; i < second.size(); i++) {
      records.add(IndexRebuildProperties.advisory("N-" + i, second.get(i)));
    }
    AdvisoryIndex rebuilt = index.rebuild(List.copyOf(records));
    AdvisoryIndex fresh = AdvisoryIndex.build(records);
    assertThat(rebuilt.size()).isEqualTo(fresh.size());
    for (int g = 0; g < fresh.size(); g++) {
      assertThat(rebuilt.groupIds(g)).as("group %d", g).isEqualTo(fresh.groupIds(g));
    }
  }

  private static void assertSameGroups(AliasGroups actual, AliasGroups expected) {
    assertThat(actual.size()).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.groupOf(i)).as("group of %d", i).isEqualTo(expected.groupOf(i));
      assertThat(actual.ids(i)).as("ids of group %d", i).isEqualTo(expected.ids(i));
    }
  }

  @Provide
  Arbitrary<List<List<String>>> keyLists() {
    // Few distinct ids, so that records share them often and groups merge.
    return Arbitraries.of("A", "B", "C", "D", "E", "F", "G", "H")
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .list()
        .ofMaxSize(10);
  }

  @Provide
  Arbitrary<List<List<List<String>>>> batches() {
    return keyLists().list().ofMinSize(1).ofMaxSize(3);
  }

  @Provide
  Arbitrary<List<IndexRebuildProperties.Spec>> specLists() {
    return new IndexRebuildProperties().specs().list().ofMaxSize(10);
  }
}
