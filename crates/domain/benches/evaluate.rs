//! Throughput of the pure evaluation: person-year evaluations per second on
//! one core, 25 credits each (target ≥ 1,000,000/s).

use cme_domain::Credits;
use cme_domain::compliance::{CourseStatus, CreditInput, allocate, evaluate};
use cme_domain::credit::{CreditCategory, CreditSource};
use cme_domain::org::UnitLevel;
use cme_domain::person::{Discipline, TitleLevel};
use cme_domain::standard::{Profile, default_standard};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn person_year(seed: u32) -> Vec<CreditInput> {
    let cats = [
        CreditCategory::Project(CreditSource::National),
        CreditCategory::Project(CreditSource::Provincial),
        CreditCategory::Project(CreditSource::DistanceI),
        CreditCategory::Project(CreditSource::Prefecture),
        CreditCategory::Project(CreditSource::DistanceIi),
        CreditCategory::SelfManaged,
    ];
    (0..25u32)
        .map(|i| {
            let x = seed.wrapping_mul(2_654_435_761).wrapping_add(i * 97);
            CreditInput {
                category: cats[(x % 6) as usize],
                amount: Credits::from_tenths(5 + x % 20),
                valid: !x.is_multiple_of(17),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let standard = default_standard(2021).unwrap_or_else(|_| unreachable!());
    let req = standard
        .requirement(Profile {
            unit_level: UnitLevel::County,
            title_level: Some(TitleLevel::Senior),
            discipline: Discipline::Clinical,
        })
        .map(|r| r.requirement)
        .unwrap_or_else(|_| unreachable!());
    let people: Vec<Vec<CreditInput>> = (0..1024).map(person_year).collect();

    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(people.len() as u64));
    g.bench_function("verdict_1024_person_years_25_credits", |b| {
        b.iter(|| {
            let mut compliant = 0usize;
            for credits in &people {
                compliant +=
                    usize::from(evaluate(black_box(&req), CourseStatus::Completed, black_box(credits)).compliant);
            }
            compliant
        })
    });
    g.bench_function("verdict_and_allocation_1024_person_years_25_credits", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for credits in &people {
                n += usize::from(evaluate(black_box(&req), CourseStatus::Completed, credits).compliant);
                n += allocate(black_box(&req), credits).len();
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
