//! The `is_a` graph over term indexes, as two compressed adjacency tables (parents and children).

/// Parents and children of every term, each stored as one flat array plus offsets.
///
/// Both tables keep file order: a term's parents in the order of its `is_a` lines, and a term's
/// children in the order their stanzas appear. Traversals are therefore deterministic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Graph {
    parent_start: Vec<u32>,
    parents: Vec<u32>,
    child_start: Vec<u32>,
    children: Vec<u32>,
}

impl Graph {
    /// Builds the tables from `(child, parent)` edges that are grouped by child in file order.
    pub(crate) fn new(n_terms: usize, edges: &[(u32, u32)]) -> Graph {
        let mut parent_start = vec![0u32; n_terms + 1];
        let mut child_start = vec![0u32; n_terms + 1];
        for &(child, parent) in edges {
            parent_start[child as usize + 1] += 1;
            child_start[parent as usize + 1] += 1;
        }
        for idx in 0..n_terms {
            parent_start[idx + 1] += parent_start[idx];
            child_start[idx + 1] += child_start[idx];
        }
        // Edges are grouped by child, so the parents table is the edge list in order. The
        // children table is a stable counting sort by parent, which keeps file order.
        let parents: Vec<u32> = edges.iter().map(|&(_, parent)| parent).collect();
        debug_assert!(edges.windows(2).all(|pair| pair[0].0 <= pair[1].0), "edges are grouped by child");
        let mut next_child = child_start.clone();
        let mut children = vec![0u32; edges.len()];
        for &(child, parent) in edges {
            let slot = &mut next_child[parent as usize];
            children[*slot as usize] = child;
            *slot += 1;
        }
        Graph { parent_start, parents, child_start, children }
    }

    /// The four tables, for [`crate::tables::Tables::encode`]: parent offsets, parents, child
    /// offsets, children.
    #[cfg_attr(not(test), allow(dead_code, reason = "the build script writes the tables"))]
    pub(crate) fn parts(&self) -> (&[u32], &[u32], &[u32], &[u32]) {
        (&self.parent_start, &self.parents, &self.child_start, &self.children)
    }

    /// The graph [`Graph::parts`] gave.
    pub(crate) fn from_parts(parent_start: Vec<u32>, parents: Vec<u32>, child_start: Vec<u32>, children: Vec<u32>) -> Graph {
        Graph { parent_start, parents, child_start, children }
    }

    /// The direct parents of a term.
    pub(crate) fn parents(&self, idx: u32) -> &[u32] {
        let idx = idx as usize;
        &self.parents[self.parent_start[idx] as usize..self.parent_start[idx + 1] as usize]
    }

    /// The direct children of a term.
    pub(crate) fn children(&self, idx: u32) -> &[u32] {
        let idx = idx as usize;
        &self.children[self.child_start[idx] as usize..self.child_start[idx + 1] as usize]
    }

    /// Every term reachable through parents, nearest first (breadth-first), without `idx` itself.
    pub(crate) fn ancestors(&self, idx: u32) -> Vec<u32> {
        // A term has a few dozen ancestors at most, so looking through the list found so far is
        // cheaper than a bit set over every term (validation asks for the ancestors of every
        // phenotypic feature).
        let mut order: Vec<u32> = Vec::with_capacity(32);
        let mut head = 0;
        let mut term = idx;
        loop {
            for &parent in self.parents(term) {
                if parent != idx && !order.contains(&parent) {
                    order.push(parent);
                }
            }
            let Some(&next) = order.get(head) else { break };
            term = next;
            head += 1;
        }
        order
    }

    /// Every term reachable through children, nearest first (breadth-first), without `idx` itself.
    pub(crate) fn descendants(&self, idx: u32) -> Vec<u32> {
        let mut seen = Visited::new(self.n_terms());
        seen.insert(idx);
        let mut order = Vec::new();
        let mut head = 0;
        let mut term = idx;
        loop {
            for &child in self.children(term) {
                if seen.insert(child) {
                    order.push(child);
                }
            }
            let Some(&next) = order.get(head) else { break };
            term = next;
            head += 1;
        }
        order
    }

    /// Whether `ancestor` is `idx` or is reachable from it through parents.
    pub(crate) fn reaches_up(&self, idx: u32, ancestor: u32) -> bool {
        if idx == ancestor {
            return true;
        }
        let mut seen = Visited::new(self.n_terms());
        let mut stack = vec![idx];
        seen.insert(idx);
        while let Some(term) = stack.pop() {
            for &parent in self.parents(term) {
                if parent == ancestor {
                    return true;
                }
                if seen.insert(parent) {
                    stack.push(parent);
                }
            }
        }
        false
    }

    fn n_terms(&self) -> usize {
        self.parent_start.len() - 1
    }
}

/// A bit set over term indexes.
struct Visited(Vec<u64>);

impl Visited {
    fn new(n_terms: usize) -> Visited {
        Visited(vec![0; n_terms.div_ceil(64)])
    }

    /// Marks a term, and says whether it was unmarked before.
    fn insert(&mut self, idx: u32) -> bool {
        let word = &mut self.0[idx as usize / 64];
        let bit = 1u64 << (idx % 64);
        let was_unmarked = *word & bit == 0;
        *word |= bit;
        was_unmarked
    }
}

#[cfg(test)]
mod tests {
    use crate::graph::Graph;

    /// 0 is the root; 1 and 2 are its children; 3 has both 1 and 2 as parents; 4 is under 3.
    fn diamond() -> Graph {
        Graph::new(5, &[(1, 0), (2, 0), (3, 1), (3, 2), (4, 3)])
    }

    #[test]
    fn ancestors_are_breadth_first_and_deduplicated() {
        let graph = diamond();
        assert_eq!(graph.ancestors(4), vec![3, 1, 2, 0]);
        assert_eq!(graph.ancestors(0), Vec::<u32>::new());
    }

    #[test]
    fn descendants_are_breadth_first_and_deduplicated() {
        let graph = diamond();
        assert_eq!(graph.descendants(0), vec![1, 2, 3, 4]);
        assert_eq!(graph.children(0), &[1, 2]);
        assert_eq!(graph.parents(3), &[1, 2]);
    }

    #[test]
    fn reaches_up_includes_the_term_itself() {
        let graph = diamond();
        let cases: [(u32, u32, bool); 5] = [(4, 0, true), (4, 4, true), (3, 2, true), (1, 2, false), (0, 4, false)];
        for (idx, ancestor, expected) in cases {
            assert_eq!(graph.reaches_up(idx, ancestor), expected, "{idx} -> {ancestor}");
        }
    }
}
